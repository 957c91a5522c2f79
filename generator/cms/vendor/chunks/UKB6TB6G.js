import{a}from"./YLSIFZ5G.js";export{a as default};
