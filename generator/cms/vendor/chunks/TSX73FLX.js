import{a}from"./742H7ISB.js";export{a as default};
