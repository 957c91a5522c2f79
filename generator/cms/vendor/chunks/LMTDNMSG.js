import{a}from"./FR5X6AOQ.js";export{a as default};
