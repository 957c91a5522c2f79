import{a}from"./LCGRIWCV.js";export{a as default};
