import{a}from"./DE3NWUDT.js";export{a as default};
