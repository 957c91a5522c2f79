import{a}from"./IP52KY2I.js";export{a as default};
