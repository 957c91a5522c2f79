import{a}from"./3R7WNYS4.js";export{a as default};
