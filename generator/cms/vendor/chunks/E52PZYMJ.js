import{a}from"./J4CB7FS4.js";export{a as default};
