import{a}from"./XIRO7XVW.js";import"./CDW3NS4Y.js";import"./3OXUA6BV.js";import"./YMD7XGK6.js";import"./TBLGHJ5H.js";export{a as default};
