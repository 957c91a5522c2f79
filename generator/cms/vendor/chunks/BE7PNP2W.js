import{a}from"./KSAKGC3N.js";export{a as default};
