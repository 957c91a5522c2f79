import{a}from"./KRTPMXKO.js";export{a as default};
