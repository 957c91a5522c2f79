import{a}from"./ZETGMITE.js";export{a as default};
