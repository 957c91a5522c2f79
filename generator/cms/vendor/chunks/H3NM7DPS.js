import{a}from"./L5NLDP4B.js";export{a as default};
