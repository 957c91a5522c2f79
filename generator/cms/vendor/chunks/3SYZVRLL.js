import{a}from"./Y4EUQNT2.js";export{a as default};
