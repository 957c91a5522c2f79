import{a}from"./35IJXOQG.js";import"./J7UJZIUK.js";export{a as default};
