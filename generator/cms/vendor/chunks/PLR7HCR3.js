import{a}from"./NSOIZ35Y.js";import"./TBLGHJ5H.js";export{a as default};
