import{a}from"./TALAHWOZ.js";export{a as default};
