import{a}from"./CWZI52BU.js";import"./3OXUA6BV.js";import"./YMD7XGK6.js";import"./TBLGHJ5H.js";export{a as default};
