import{a}from"./DBH2WKL3.js";export{a as default};
