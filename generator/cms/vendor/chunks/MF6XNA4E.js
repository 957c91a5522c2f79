import{a}from"./N24RQ6OV.js";export{a as default};
