import{a}from"./RZEQ22ZE.js";export{a as default};
