import{a}from"./TBLGHJ5H.js";export{a as default};
