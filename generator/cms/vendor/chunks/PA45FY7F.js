import{a}from"./SXJCFV2T.js";export{a as default};
