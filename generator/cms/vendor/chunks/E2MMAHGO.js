import{e as a}from"./W7YEJPIK.js";import"./3OXUA6BV.js";import"./YMD7XGK6.js";import"./TBLGHJ5H.js";export{a as default};
