import{a}from"./CDW3NS4Y.js";export{a as default};
