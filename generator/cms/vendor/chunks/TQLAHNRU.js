import{a}from"./P2LOYCYT.js";export{a as default};
