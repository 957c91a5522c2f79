import{a}from"./V643UM4S.js";export{a as default};
