import{a}from"./2AI5Q5Q7.js";import"./YMD7XGK6.js";import"./TBLGHJ5H.js";export{a as default};
