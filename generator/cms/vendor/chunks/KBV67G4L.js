import{a}from"./LHRG4FMZ.js";import"./3OXUA6BV.js";import"./YMD7XGK6.js";import"./TBLGHJ5H.js";export{a as default};
