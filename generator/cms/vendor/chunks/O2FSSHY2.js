import{a}from"./GRQFVS32.js";export{a as default};
