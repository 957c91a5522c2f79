import{a}from"./WSTGY5D7.js";export{a as default};
