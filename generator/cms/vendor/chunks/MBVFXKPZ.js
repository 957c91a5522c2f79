import{a}from"./YMD7XGK6.js";export{a as default};
