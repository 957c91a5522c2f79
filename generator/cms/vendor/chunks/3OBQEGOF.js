import{a}from"./XV6NBYQU.js";export{a as default};
