import{a}from"./QXI3HO5J.js";export{a as default};
