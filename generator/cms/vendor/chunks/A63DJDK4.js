import{a}from"./WLFQ64D7.js";import"./YMD7XGK6.js";export{a as default};
