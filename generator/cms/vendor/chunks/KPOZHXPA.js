import{a}from"./55BEVFH2.js";export{a as default};
