import{a}from"./HJA7JZHF.js";import"./J4CB7FS4.js";export{a as default};
