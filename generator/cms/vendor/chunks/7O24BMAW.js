import{a}from"./ORWKWD33.js";export{a as default};
