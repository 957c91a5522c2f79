import{a}from"./2EUSQL6V.js";export{a as default};
