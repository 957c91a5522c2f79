import{a}from"./WOZT2IGZ.js";export{a as default};
