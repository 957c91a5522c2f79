import{a}from"./XCULYLKI.js";export{a as default};
