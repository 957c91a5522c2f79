import{a}from"./JNWHUFFV.js";import"./5V36HCZ3.js";import"./UXOUMUEV.js";import"./ORWKWD33.js";import"./YMD7XGK6.js";export{a as default};
