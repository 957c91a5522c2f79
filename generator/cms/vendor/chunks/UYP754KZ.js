import{a}from"./SQFHLAAU.js";export{a as default};
