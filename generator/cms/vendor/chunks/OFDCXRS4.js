import{a}from"./LSOVCIHG.js";export{a as default};
