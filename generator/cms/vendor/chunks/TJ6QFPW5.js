import{a}from"./5V36HCZ3.js";export{a as default};
