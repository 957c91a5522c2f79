import{a}from"./BD4T7HXR.js";export{a as default};
