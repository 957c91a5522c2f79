import{a}from"./2QFIGRQD.js";export{a as default};
