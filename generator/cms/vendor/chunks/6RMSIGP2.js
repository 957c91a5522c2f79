import{a}from"./KDQJVZPA.js";export{a as default};
