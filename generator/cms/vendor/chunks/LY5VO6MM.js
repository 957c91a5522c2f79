import{a}from"./CTE63H5B.js";import"./J7UJZIUK.js";export{a as default};
