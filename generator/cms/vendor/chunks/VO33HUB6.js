import{a}from"./AOCOXV7I.js";export{a as default};
