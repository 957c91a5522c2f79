import{a}from"./J7UJZIUK.js";export{a as default};
