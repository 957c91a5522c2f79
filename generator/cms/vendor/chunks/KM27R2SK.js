import{a}from"./TR6SQJWT.js";export{a as default};
