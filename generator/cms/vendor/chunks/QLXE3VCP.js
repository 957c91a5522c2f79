import{a}from"./WV4AGCKP.js";export{a as default};
