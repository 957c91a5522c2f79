import{a}from"./AMAMSJWB.js";export{a as default};
