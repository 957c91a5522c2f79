import{a}from"./UXOUMUEV.js";export{a as default};
