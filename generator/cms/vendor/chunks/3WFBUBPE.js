import{a}from"./HPVKM6BQ.js";export{a as default};
